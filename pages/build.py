import streamlit as st

st.title("build")
st.info("Coming soon.")
