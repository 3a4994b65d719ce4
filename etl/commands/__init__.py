"""One module per `stance` subcommand (or group); each defines a click object named `command`."""
