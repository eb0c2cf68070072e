"""The academy's programmes: courses, workshops, reflective groups, bookings and attendance."""
