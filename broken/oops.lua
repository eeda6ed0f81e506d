return a.competency {
