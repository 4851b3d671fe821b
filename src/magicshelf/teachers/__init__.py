"""Teacher accounts: sign-up, passwords, sessions, invitations and password resets."""
