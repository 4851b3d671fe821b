"""Page recordings: the child reading each page aloud."""
