"""Reusable loopback test servers: HTTP receiver, SOAP (spyne) service, SFTP server."""
