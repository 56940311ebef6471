"""Benchmarks printing JSON (`python -m benchmarks.<name>`), and the seeding helper they share with tests.

They live outside lib/ so production packages import neither the seeding helper nor Streamlit's AppTest.
"""
