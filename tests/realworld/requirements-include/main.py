# A Bokeh server with two pages; it declares no health route.
from bokeh.server.server import Server
from app import pages

server = Server({"/graphs": pages.graphs, "/edit": pages.edit}, port=5006)

if __name__ == "__main__":
    server.start()
    server.io_loop.start()
