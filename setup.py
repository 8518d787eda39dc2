# Metadata lives in setup.cfg; this file only enables legacy editable installs.
from setuptools import setup

setup()
