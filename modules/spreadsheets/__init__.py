"""The Excel engine: layouts, a safe fast reader, Korean cell parsing, the import pipeline, streaming export."""
