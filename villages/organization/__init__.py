"""组织定位 (B1–B4, C3): the overview supervisors read and the pages that record it."""
