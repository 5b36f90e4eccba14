SELECT * FROM givetake.refresh_scores('interactions');
