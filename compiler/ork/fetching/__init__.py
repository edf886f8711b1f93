"""Helpers of the fetch stage."""
