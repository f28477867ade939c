from wijkprofiel.cli import main

main()
