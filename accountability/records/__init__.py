"""What county supervisors record besides inspections and actions: responsibility contracts
(军令状, A2), TV exposures (电视问政, A7) and commendations and promotions (表彰提拔, C4),
and the searchable pickers of their forms."""
