"""Application services: the use cases the doors (web, API, CLI) call, each taking its dependencies as arguments."""
