"""Switching a service between the EC2 launch type and Fargate: ``switch`` plans and runs it,
``checks`` holds its preflight phases, ``network`` the awsvpc subnets and security groups."""
