/**
 * A small English dictionary for the sample spellchecker: common words plus the vocabulary of
 * school essays. Lower case; the tokenizer lower-cases words before looking them up. A real
 * service would load a full dictionary (and one per language); a few hundred words keep the
 * sample readable.
 */
export const ENGLISH_WORDS: ReadonlySet<string> = new Set(
  `
  a about above across after again against all almost alone along already also although always am
  among an and another any anyone anything are around as ask at away back be became because become
  been before began behind being believe below best better between big book books both bring but by
  call came can can't cannot care carry change child children city class clear close come comes could
  country course day days did different do does doesn't doing don't done door doors down during each early earth
  easy eat end enough environment essay essays even ever every example eye eyes face fact family far
  father feel few find first follow food for form found four free friend friends from full future
  gave get give go goes going good great grew group grow had hand happy hard has have he head hear
  help her here high him his history home hope house how however i idea if important in into is it
  its just keep kind knew know land language large last later learn learned learning leave left less
  let letter library life light like line list little live long look made make man many may me mean men might
  mind more morning most mother move much must my name near need never new next night no not nothing
  now number of off often old on once one only open opens or order other our out over own page paper
  part people person place plan play point protect question quiet quite read reading reason right
  river room said same saw say school science sea second see seem sentence set several she should
  show side since small so some something sometimes soon sound spell spelling start state still story
  student students study such sun sure take teacher teachers tell than that the their them then there
  these they thing things think this those thought three through time to today together too took town
  tree trees true try turn two under until up us use used very walk want was water way we well went
  were what when where which while white who whole why will with without word words work world would
  write writing written wrote year years yes yet you young your
  `
    .split(/\s+/)
    .filter((word) => word.length > 0),
);
