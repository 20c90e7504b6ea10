"""Printed output shared by posters and reports: the CJK font, embedded in every PDF."""
