"""The core: project sources, index client, resolver and rules. Knows nothing of front ends."""
