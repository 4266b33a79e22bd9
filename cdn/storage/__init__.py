"""Object storage: one seam (base), a local-directory backend, an S3 backend, and the factory."""
