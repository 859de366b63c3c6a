"""Server-rendered pages: `public` for residents (no account), `work` for staff."""
