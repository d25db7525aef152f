# A stand-in for a machine without python3-matplotlib (report.cmake puts it first on PYTHONPATH):
# importing it fails as a missing package does.
raise ImportError("No module named 'matplotlib' (test stand-in)")
