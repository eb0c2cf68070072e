"""Student placements: practice educators, matching, placement days, reviews, observations."""
