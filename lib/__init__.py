"""The Onboarding Console: a Streamlit dashboard for Stream Partner API headless onboarding."""
