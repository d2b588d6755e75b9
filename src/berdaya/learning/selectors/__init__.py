"""Every read of the learning app, through the access rule."""
