def test_version():
    import cfx_lib
    assert cfx_lib.__version__
