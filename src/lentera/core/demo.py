DEMO_PASSWORD = "lentera-demo"


def load_demo(stdout=None):
    return []
