"""Test plumbing: an isolated RabbitMQ vhost and isolated databases per test run."""
