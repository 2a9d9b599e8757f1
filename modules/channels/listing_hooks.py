"""Admin for listings (채널상품): list, edit, save-and-push with a live log, pull, push queue."""
