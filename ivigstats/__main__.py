from ivigstats.cli import main

main()
