"""mnistlab: the core of an interactive dashboard for classifiers on MNIST.

Plain numpy / scikit-learn / torch. Only ``mnistlab.ui`` imports streamlit.
"""

__version__ = "0.1.0"
