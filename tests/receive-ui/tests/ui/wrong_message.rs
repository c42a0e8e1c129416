use eventbind_commenda::CommendaEvent;
use eventbind_receive::delivery::Disposition;
use eventbind_receive::dispatch::Dispatcher;
use eventbind_vertex::EventDelivery;

fn main() {
    // A Vertex payload is not a message of the Commenda event enum.
    let _ = Dispatcher::<CommendaEvent>::new()
        .on_message(|delivery: EventDelivery, _context| async move {
            let _ = delivery;
            Disposition::Acknowledge
        });
}
