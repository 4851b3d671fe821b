"""Classes (turmas): a teacher's group of authors, shared with co-teachers."""
