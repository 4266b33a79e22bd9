"""Purging the edge: one seam (base), an adapter per CDN, and the factory TABLEFOR_PURGE picks."""
