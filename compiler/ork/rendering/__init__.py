"""Helpers of the render stage."""
