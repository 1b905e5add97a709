"""Matching: the intake's facts and the compiled rules go into durable-rules; the rules that fired come out."""
