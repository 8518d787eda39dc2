"""Releasing the student: the plain ``Recognizer3D`` export, ONNX export and
CPU latency. Import the modules directly (ONNX Runtime loads only there)."""
