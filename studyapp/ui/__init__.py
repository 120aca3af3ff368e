"""Streamlit views: thin pages that render content and call the logic layers."""
