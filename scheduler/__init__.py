"""The scheduler: APScheduler (3.x, AsyncIOScheduler) jobs that plan mail from the event
log and deliver what is due. It keeps nothing in memory that the database does not hold:
every pass reads the log cursor and the deliveries table, so a restart loses nothing."""
