from webinar.cli import main

main()
