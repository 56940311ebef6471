"""Onboarding flow logic the screens use, testable without Streamlit (no streamlit import here)."""
