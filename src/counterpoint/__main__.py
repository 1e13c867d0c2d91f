from counterpoint.cli import main

main()
