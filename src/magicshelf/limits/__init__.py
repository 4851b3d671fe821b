"""Sliding-window limits: unknown magic codes, failed sign-ins and writes, per client.

A ``Window`` counts events per key. ``MemoryWindow`` keeps them in this process;
``RedisWindow`` keeps them in Redis, so every replica spends one budget;
``FallbackWindow`` answers from memory while Redis is unreachable. ``windows`` (in
``made.py``) picks them from the settings and counts every decision in the metrics.
"""
