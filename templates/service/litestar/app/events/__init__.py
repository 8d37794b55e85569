"""What happens when the application starts and stops."""
