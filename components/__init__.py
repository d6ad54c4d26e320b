"""Components: pure chart builders, Streamlit panels and session state."""
