"""Announcements (通知公告): staff write to all members or a segment of them, at once or at a
set time; each recipient is told once (inbox and e-mail), and staff see who has read it."""
