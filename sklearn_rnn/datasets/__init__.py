"""Data sets: the course's synthetic sequence tasks and the IMDB movie reviews."""
