"""The demo county (`flask demo`): a Yongchun-like county with members, households and three months of history."""
