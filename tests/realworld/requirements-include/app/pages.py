def graphs(doc):
    pass


def edit(doc):
    pass
