"""HTTP views: parse and validate input, call a service, render the result."""
