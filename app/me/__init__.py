"""A member's own home (我的): their figures, for the API and, later, their pages."""
