# Streamlit-side helpers shared by app.py and the pages (the core stays free of Streamlit).
