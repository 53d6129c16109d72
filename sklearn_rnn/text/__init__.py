"""Text to token-id sequence transformers."""
