"""wijkprofiel: zicht op veelvoorkomende problematiek, per wijk."""

__version__ = "0.1.0"
